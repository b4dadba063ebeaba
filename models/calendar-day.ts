import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// The working-day calendar's exceptions (docs/requirements.md, "Working day"): a weekday that is an official
// holiday (`off`), or a weekend day that is an adjusted workday 調休 (`work`). Every other day
// follows the week: Monday–Friday work, Saturday/Sunday off. `_id` = 'YYYY-MM-DD' (one rule per
// day). The authority maintains it; `source: 'sample'` rows were shipped as sample data.
const calendarDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    year: { type: Number, required: true },
    kind: { type: String, enum: ['off', 'work'], required: true },
    name: { type: String, required: true },
    source: { type: String, enum: ['sample', 'authority'], required: true },
    updatedBy: { type: String, default: null },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export type CalendarDayDoc = InferSchemaType<typeof calendarDaySchema>

export const CalendarDay =
  (mongoose.models.CalendarDay as mongoose.Model<CalendarDayDoc>) ??
  mongoose.model('CalendarDay', calendarDaySchema, 'calendar_days')

// Which years the authority has published a schedule for (`_id` = year). A year without one
// falls back to weekends only, and the calendar page says so.
const calendarYearSchema = new Schema(
  {
    _id: { type: Number, required: true },
    source: { type: String, enum: ['sample', 'authority'], required: true },
    note: { type: String, default: '' },
    updatedBy: { type: String, default: null },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false, strict: 'throw' },
)

export const CalendarYear =
  (mongoose.models.CalendarYear as mongoose.Model<InferSchemaType<typeof calendarYearSchema>>) ??
  mongoose.model('CalendarYear', calendarYearSchema, 'calendar_years')
