// The forms and API bodies of emergency collections (C10; Art. 40), shared by browser and server.
import { z } from 'zod'
import { many } from '~/services/sharing/schemas'
import { objectId } from '~/utils/schemas'

const text = (min: number, max: number) =>
  z.string().trim().min(min, 'error.emergency.tooShort').max(max, 'error.emergency.tooLong')

/** Art. 40: the event, the legal basis, the entries the data goes to, the declared end. */
export const emergencyDeclarationSchema = z.strictObject({
  event: text(5, 1000),
  instrument: text(4, 200),
  article: text(1, 50),
  entryIds: many(objectId()).refine((v) => v.length > 0, 'error.emergency.noEntries'),
  endsOn: z.iso.date('error.emergency.badEnd'),
})
export type EmergencyDeclaration = z.infer<typeof emergencyDeclarationSchema>

export const emergencyFormSchema = z.discriminatedUnion('intent', [
  emergencyDeclarationSchema.extend({ intent: z.literal('declare') }),
  z.strictObject({ intent: z.literal('end'), collectionId: objectId() }),
])
