// Which emergency collection covers an entry at a moment (C10; Art. 40): a table or open file
// stored for the entry then is tagged with it, and sealed when it ends.
import mongoose from 'mongoose'
import { EmergencyCollection } from '#models/emergency-collection'
import { connectDb } from '~/utils/db.server'

/** The active emergency collection covering the entry at `now`, if any (Art. 40). */
export async function activeEmergencyFor(entryId: string, now: Date): Promise<string | null> {
  await connectDb()
  const c = await EmergencyCollection.findOne(
    {
      entryIds: entryId,
      status: 'active',
      declaredAt: mongoose.trusted({ $lte: now }),
      endsAt: mongoose.trusted({ $gt: now }),
    },
    { _id: 1 },
  ).lean()
  return c ? String(c._id) : null
}
