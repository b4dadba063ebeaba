// The forms of IT projects and their data lists (C12; Art. 50), shared by browser and server.
import { z } from 'zod'
import { objectId } from '~/utils/schemas'

/** Art. 50: registering a project, filing its data list, accepting it. */
export const projectFormSchema = z.discriminatedUnion('intent', [
  z.strictObject({
    intent: z.literal('register'),
    name: z.string().trim().min(2, 'error.project.badName').max(200, 'error.project.badName'),
    unitOrgId: objectId(),
  }),
  z.strictObject({
    intent: z.literal('file'),
    projectId: objectId(),
    // Entry codes or ids, one per line or separated by commas.
    entries: z
      .string()
      .max(20_000, 'error.project.badList')
      .transform((s) => [...new Set(s.split(/[\s,，]+/).filter(Boolean))])
      .pipe(
        z
          .array(z.string().max(80))
          .min(1, 'error.project.badList')
          .max(500, 'error.project.badList'),
      ),
  }),
  z.strictObject({ intent: z.literal('accept'), projectId: objectId() }),
])
export type ProjectForm = z.infer<typeof projectFormSchema>
