// Zod schemas of orders and payments (C8; Art. 24, 38), shared by the forms, the API and the
// services. Browser-safe. Messages are i18n keys, translated per request.
import { z } from 'zod'
import { listParams, objectId as idSchema } from '~/utils/schemas'
import { ORDER_STATUSES_LIST, PAYMENT_METHODS_LIST } from '~/vocab/orders'
import { yuanToFen } from '~/services/products/schemas'

const objectId = idSchema('error.orders.badId')
const required = (max: number) => z.string().trim().min(1, 'error.required').max(max)

/** Art. 24: what the buyer orders and for which purpose and application scenario (應用業務場景). */
export const orderInput = z.strictObject({
  productId: objectId,
  planKey: z
    .string()
    .trim()
    .regex(/^[a-z_]+-[0-9]{1,3}$/, 'error.orders.badPlan'),
  purpose: required(500),
  scenario: required(500),
  method: z.enum(PAYMENT_METHODS_LIST),
})
export type OrderInput = z.infer<typeof orderInput>

/** The order form (the product comes from the URL). */
export const orderForm = orderInput.omit({ productId: true })

/** Yuan as typed → integer fen (string arithmetic), refusing anything that is not an amount. */
const yuanAmount = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const fen = yuanToFen(raw)
    if (fen === null) {
      ctx.addIssue({ code: 'custom', message: 'error.orders.badAmount' })
      return z.NEVER
    }
    return fen
  })

/** The authority confirms a bank transfer it received: the amount and the bank's reference. */
export const confirmTransferForm = z.strictObject({
  intent: z.literal('confirm'),
  orderId: objectId,
  amount: yuanAmount,
  bankReference: required(100),
})
export type ConfirmTransferInput = z.infer<typeof confirmTransferForm>

export const refundForm = z.strictObject({
  intent: z.literal('refund'),
  reason: required(500),
  // For a bank transfer: the reference of the transfer that returned the money (offline refund).
  refundReference: z.string().trim().max(100).default(''),
})

export const cancelForm = z.strictObject({
  intent: z.literal('cancel'),
  reason: z.string().trim().max(500).default(''),
})

export const checkoutForm = z.strictObject({ intent: z.literal('checkout') })

export const orderPageForm = z.discriminatedUnion('intent', [
  checkoutForm,
  cancelForm,
  refundForm,
  confirmTransferForm.omit({ orderId: true }),
])

export const ordersQuery = z.strictObject({
  after: objectId.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(['awaiting_payment', 'paid', 'cancelled', 'refunded']).optional(),
})
export type OrdersQuery = z.infer<typeof ordersQuery>

/** The orders page and its CSV: numbered pages sorted by date, amount or status, narrowed by status and method. */
export const orderListSchema = z.strictObject({
  ...listParams(['created', 'amount', 'status'], { sort: 'created', dir: 'desc' }),
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(ORDER_STATUSES_LIST).optional()),
  method: z.preprocess((v) => (v === '' ? undefined : v), z.enum(PAYMENT_METHODS_LIST).optional()),
})
export type OrderListQuery = z.infer<typeof orderListSchema>

/** The authority's transfer queue: oldest first unless sorted otherwise; `confirmed` is the notice after a confirmation. */
export const awaitingListSchema = z.strictObject({
  ...listParams(['created', 'amount'], { sort: 'created', dir: 'asc' }),
  confirmed: objectId.optional(),
})
export type AwaitingListQuery = z.infer<typeof awaitingListSchema>
