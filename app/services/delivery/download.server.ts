// Enforcement at use (issue 6; Art. 24, 38): a download goes through only with a valid, unexpired
// link signed for that delivery, by the licensee's staff, while the licence is in force at that
// moment — a revoked licence is refused (403), an expired one too (410), whatever the link says.
// Every download is logged (`delivery.downloaded`).
import { Readable } from 'node:stream'
import { Delivery, deliveryId, type DeliveryDoc } from '#models/delivery'
import { OpenDataFile } from '#models/open-data-file'
import type { AuthUser } from '~/services/identity/auth.server'
import { appendLedger } from '~/services/ledger/ledger.server'
import { requireLicenceInForce, findLicence } from '~/services/licences/standing.server'
import { fileStream } from '~/services/open-data/files.server'
import { contentStore } from '~/services/storage/store.server'
import { connectDb } from '~/utils/db.server'
import { DomainError } from '~/utils/errors'
import { checkDownloadLink } from './links.server'

export interface DownloadLinkQuery {
  expires: number
  sig: string
}

export interface OpenedDownload {
  body: ReadableStream<Uint8Array>
  fileName: string
  mediaType: string
  size: number | null
  ledgerSeq: number
}

/**
 * Art. 24, 38: whether a delivery is a file its licensee may download — completed, with bytes to
 * give; an API licence's copy is read through the API only (deliver.server.ts).
 */
export function offeredForDownload(
  delivery: Pick<DeliveryDoc, 'kind' | 'status' | 'storageKey' | 'openFileId'>,
): boolean {
  return (
    delivery.status === 'completed' &&
    delivery.kind !== 'api' &&
    Boolean(delivery.storageKey || delivery.openFileId)
  )
}

/** Art. 24, 38: checks link, person and licence at this moment, logs the download, opens the bytes. */
export async function openDownload(
  user: AuthUser,
  licenceId: string,
  key: string,
  link: DownloadLinkQuery,
  now = new Date(),
): Promise<OpenedDownload> {
  await connectDb()
  const licence = await findLicence(licenceId)
  const id = deliveryId(licenceId, key)
  const delivery = licence ? await Delivery.findById(id).lean() : null
  if (
    !licence ||
    !delivery ||
    !offeredForDownload(delivery) ||
    !user.org ||
    user.org.id !== licence.licenseeOrgId
  ) {
    throw new DomainError('not_found', 'error.licences.notFound', 404)
  }
  const check = checkDownloadLink(id, link.expires, link.sig, now)
  if (check === 'bad_signature') throw new DomainError('bad_link', 'error.licences.badLink', 403)
  if (check === 'link_expired')
    throw new DomainError('link_expired', 'error.licences.linkExpired', 410)
  await requireLicenceInForce(licence, now)

  // The bytes must exist before the download is logged; the stream opens after.
  let open: () => ReadableStream<Uint8Array>
  if (delivery.storageKey && (await contentStore().stat(delivery.storageKey))) {
    const storageKey = delivery.storageKey
    open = () => Readable.toWeb(contentStore().read(storageKey)) as ReadableStream<Uint8Array>
  } else {
    const file = delivery.openFileId
      ? await OpenDataFile.findById(delivery.openFileId).lean()
      : null
    if (!file) throw new DomainError('not_found', 'error.licences.notFound', 404)
    open = () => fileStream(file)
  }
  const entry = await appendLedger({
    action: 'delivery.downloaded',
    actor: { userId: user.id, orgId: user.org.id },
    subjects: [
      `delivery:${id}`,
      `licence:${licenceId}`,
      `org:${licence.licenseeOrgId}`,
      ...(licence.productId ? [`product:${licence.productId}`] : []),
    ],
    payload: { deliveryId: id, sha256: delivery.sha256 },
    summary: { key, ...(delivery.sha256 ? { sha256: delivery.sha256 } : {}) },
  })
  return {
    body: open(),
    fileName: delivery.fileName ?? `${key}.bin`,
    mediaType: delivery.mediaType ?? 'application/octet-stream',
    size: delivery.sizeBytes ?? null,
    ledgerSeq: entry._id,
  }
}
