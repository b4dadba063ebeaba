// The demo world's orders (C8): one bank-transfer order of the buyer awaiting the authority's
// confirmation, so `npm run dev` shows the transfer queue and the buyer's order page at once.
// Orders go through the services (rules and ledger run). Idempotent: the demo order's id is
// derived from its key; an existing one is left alone, or finished if a crash interrupted it.
import { createHash } from 'node:crypto'
import { Order } from '#models/order'
import { Product } from '#models/product'
import { User } from '#models/user'
import { loadAuthUser } from '~/services/identity/auth.server'
import { createOrder } from './orders.server'

function demoOrderId(key: string): string {
  return createHash('sha256').update(`demo-order:${key}`).digest('hex').slice(0, 24)
}

export async function seedOrders(): Promise<{ created: number }> {
  const buyerDoc = await User.findOne({ email: 'buyer@demo.gd.example' }).lean()
  const buyer = buyerDoc ? await loadAuthUser(String(buyerDoc._id), 'session') : undefined
  const product = await Product.findOne({ seedKey: 'authority-enterprise-stats' }).lean()
  if (!buyer || !product?.listed) return { created: 0 }
  const orderId = demoOrderId('buyer-enterprise-stats-transfer')
  // Left alone once complete; an order a crash left without its `order.created` entry is finished.
  const existing = await Order.findById(orderId, { createdSeq: 1 }).lean()
  if (existing && existing.createdSeq !== null) return { created: 0 }
  await createOrder(
    buyer,
    {
      productId: String(product._id),
      planKey: product.pricePlans[0]!.key,
      purpose: '企业授信前的区域与行业景气分析',
      scenario: '佛山市制造业企业供应链金融授信审批',
      method: 'bank_transfer',
    },
    { orderId },
  )
  return { created: 1 }
}
