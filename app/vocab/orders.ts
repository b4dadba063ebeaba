// Vocabularies of orders and payments (C8). Browser-safe.
export const PAYMENT_METHODS_LIST = ['stripe', 'bank_transfer'] as const
export const ORDER_STATUSES_LIST = ['awaiting_payment', 'paid', 'cancelled', 'refunded'] as const
