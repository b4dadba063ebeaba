// The transaction log's algorithm names (C11), shared by the models that store them and the code
// that computes with them. Plain data, no imports.

/** Merkle tree hash (RFC 9162 with SHA-256, or SM3 where a national algorithm is required). */
export const TREE_ALGS = ['sha256', 'sm3'] as const
export type TreeAlg = (typeof TREE_ALGS)[number]

/** Checkpoint signature algorithm (Ed25519, or SM2). */
export const SIGNING_ALGS = ['ed25519', 'sm2'] as const
export type SigningAlg = (typeof SIGNING_ALGS)[number]
