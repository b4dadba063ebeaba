// Streaming upload of a version's file (C7: files of 2 GB and more, never held in memory).
// One file per request: the multipart body is read part by part (storage/multipart.server.ts),
// the file's bytes go straight to the content store (hashed and counted on the way, written to a
// temporary file, renamed into place only when complete), and only then is the file attached to
// the draft. Refusals are 4xx and leave nothing behind: a wrong content type (415), a truncated
// body (400), too many bytes (413), a file name with a path in it (400), another org's product or
// any owner field in the form (404 / 400).
import type { AuthUser } from '~/services/identity/auth.server'
import {
  boundaryOf,
  MultipartError,
  readField,
  streamMultipart,
} from '~/services/storage/multipart.server'
import { contentStore, type StagedObject } from '~/services/storage/store.server'
import { getEnv } from '~/utils/env.server'
import { DomainError } from '~/utils/errors'
import { assertStorageQuota } from '~/services/storage/sweep.server'
import { addFileToDraft, assertCanAddFile, loadOwnVersion } from './versions.server'
import { FILE_TYPES } from '~/vocab/products'

/** Multipart framing and the few small fields allowed beside the file. */
const OVERHEAD_BYTES = 64 * 1024
const ALLOWED_FIELDS = new Set(['intent'])

/**
 * A user-supplied file name, or a 400: no path separators, no `..`, no control characters, no
 * leading dot, at most 200 characters. The name is only ever metadata (files live under their hash).
 */
export function safeFileName(raw: string): { name: string; extension: string } {
  const name = raw.normalize('NFC').trim()
  const bad =
    name.length === 0 ||
    name.length > 200 ||
    // eslint-disable-next-line no-control-regex -- control characters are what this refuses
    /[/\\\u0000-\u001f\u007f]/.test(name) ||
    name.startsWith('.') ||
    name.includes('..') ||
    /^[A-Za-z]:/.test(name)
  if (bad)
    throw new DomainError('bad_file_name', 'error.market.badFileName', 400, {
      file: ['error.market.badFileName'],
    })
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
  return { name, extension }
}

/** The declared type must fit the extension, and the first bytes must look like that type. */
export function checkFileType(
  extension: string,
  declared: string,
): { format: string; mediaType: string } {
  const type = FILE_TYPES[extension]
  const mediaType = declared.split(';')[0]!.trim().toLowerCase()
  if (!type || !type.mediaTypes.includes(mediaType)) {
    throw new DomainError(
      'unsupported_file_type',
      'error.market.fileType',
      415,
      { file: ['error.market.fileType'] },
      { types: Object.keys(FILE_TYPES).join(', ') },
    )
  }
  return { format: type.format, mediaType }
}

const SNIFF_BYTES = 64 * 1024

function looksRight(extension: string, head: Buffer): boolean {
  if (head.length === 0) return false
  if (extension === 'xlsx' || extension === 'zip')
    return head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
  if (extension === 'pdf') return head.subarray(0, 5).toString('latin1') === '%PDF-'
  // Text formats: no NUL byte (UTF-8 / GB18030 text has none; binaries nearly always do).
  if (head.includes(0)) return false
  if (extension === 'json' || extension === 'geojson') {
    const first = head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()[0]
    return first === '{' || first === '['
  }
  return true
}

/** Passes the bytes on, checking the first ones against the declared type before any is stored. */
async function* sniffed(data: AsyncIterable<Buffer>, extension: string): AsyncGenerator<Buffer> {
  const held: Buffer[] = []
  let heldBytes = 0
  let checked = false
  for await (const chunk of data) {
    if (checked) {
      yield chunk
      continue
    }
    held.push(chunk)
    heldBytes += chunk.length
    if (heldBytes >= SNIFF_BYTES) {
      const head = Buffer.concat(held)
      if (!looksRight(extension, head))
        throw new DomainError('file_content_mismatch', 'error.market.fileContent', 415, {
          file: ['error.market.fileContent'],
        })
      checked = true
      held.length = 0
      yield head
    }
  }
  if (!checked) {
    const head = Buffer.concat(held)
    if (!looksRight(extension, head))
      throw new DomainError('file_content_mismatch', 'error.market.fileContent', 415, {
        file: ['error.market.fileContent'],
      })
    yield head
  }
}

function multipartRefusal(error: MultipartError): DomainError {
  if (error.reason === 'truncated')
    return new DomainError('upload_truncated', 'error.market.uploadTruncated', 400)
  if (error.reason === 'too_many_parts')
    return new DomainError('one_file_per_upload', 'error.market.oneFile', 400)
  return new DomainError('malformed_upload', 'error.market.uploadMalformed', 400)
}

function isClientAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  return (
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    error.name === 'AbortError' ||
    /aborted|premature close|terminated/i.test(error.message)
  )
}

export interface ReceivedFile {
  name: string
  extension: string
  mediaType: string
  staged: StagedObject
}

/**
 * Receives the one file (`file`) of a multipart upload into the content store's staging area, type
 * checked by extension, declared type and first bytes, within `maxBytes` and the organisation's
 * storage quota (refused before a byte is read when the declared size does not fit). Only the
 * `intent` field may come beside it. The caller commits or discards the staged bytes.
 */
export async function receiveSingleFile(
  request: Request,
  options: { maxBytes: number; quotaOrgId: string; extensions?: readonly string[] },
): Promise<ReceivedFile> {
  const boundary = boundaryOf(request.headers.get('Content-Type'))
  if (!boundary) throw new DomainError('unsupported_media_type', 'error.unsupportedMediaType', 415)
  const declared = Number(request.headers.get('Content-Length') ?? 0)
  const fileLimit = options.maxBytes
  if (declared > fileLimit + OVERHEAD_BYTES)
    throw new DomainError('payload_too_large', 'error.payloadTooLarge', 413)
  // The organisation's quota bounds the upload too: refused before a byte is read when the
  // declared size does not fit, and cut off at what remains when the size is not declared.
  const remaining = await assertStorageQuota(
    options.quotaOrgId,
    Math.max(0, declared - OVERHEAD_BYTES),
  )
  const maxBytes = Math.min(fileLimit, remaining)
  if (!request.body) throw new DomainError('no_file', 'error.market.noFile', 400)

  let received: ReceivedFile | undefined
  try {
    for await (const part of streamMultipart(
      request.body as unknown as AsyncIterable<Uint8Array>,
      boundary,
      { maxParts: 4 },
    )) {
      if (part.filename === undefined) {
        // Only known small fields; an owner id, org id or anything else is refused, not ignored.
        if (!ALLOWED_FIELDS.has(part.name))
          throw new DomainError('unknown_field', 'error.unknownField', 400, {
            [part.name.slice(0, 40)]: ['error.unknownField'],
          })
        await readField(part.data, 100)
        continue
      }
      if (part.name !== 'file')
        throw new DomainError('unknown_field', 'error.unknownField', 400, {
          [part.name.slice(0, 40)]: ['error.unknownField'],
        })
      if (received) throw new DomainError('one_file_per_upload', 'error.market.oneFile', 400)
      if (part.filename === '') throw new DomainError('no_file', 'error.market.noFile', 400)
      const { name, extension } = safeFileName(part.filename)
      if (options.extensions && !options.extensions.includes(extension))
        throw new DomainError(
          'unsupported_file_type',
          'error.market.fileType',
          415,
          { file: ['error.market.fileType'] },
          { types: options.extensions.join(', ') },
        )
      const { mediaType } = checkFileType(extension, part.contentType)
      const staged = await contentStore().stage(sniffed(part.data, extension), { maxBytes })
      received = { name, extension, mediaType, staged }
    }
  } catch (error) {
    await received?.staged.discard()
    if (error instanceof MultipartError) throw multipartRefusal(error)
    // The client went away mid-upload: a truncated upload, not a server fault.
    if (isClientAbort(error))
      throw new DomainError('upload_truncated', 'error.market.uploadTruncated', 400)
    throw error
  }
  if (!received) throw new DomainError('no_file', 'error.market.noFile', 400)
  return received
}

export interface UploadOutcome {
  key: string
  fileName: string
  sha256: string
  size: number
  deduplicated: boolean
}

/**
 * Receives one file into a draft version of the caller's product. The product and the draft are
 * checked before a byte of the body is read, so a refused upload costs no transfer.
 */
export async function receiveVersionFile(
  user: AuthUser,
  productId: string,
  number: number,
  request: Request,
  options: { maxBytes?: number } = {},
): Promise<UploadOutcome> {
  const { version } = await loadOwnVersion(user, productId, number)
  if (version.state !== 'draft') throw new DomainError('not_draft', 'error.market.notDraft', 409)
  assertCanAddFile(version)
  const received = await receiveSingleFile(request, {
    maxBytes: options.maxBytes ?? getEnv().UPLOAD_MAX_BYTES,
    quotaOrgId: user.org!.id,
  })
  // Stored under its key and attached only once the whole body arrived, closing boundary included.
  const { name, extension, mediaType, staged } = received
  const stored = await staged.commit()
  const { key } = await addFileToDraft(user, productId, number, {
    fileName: name,
    extension,
    mediaType,
    stored,
  })
  return {
    key,
    fileName: name,
    sha256: stored.sha256,
    size: stored.size,
    deduplicated: !stored.created,
  }
}
