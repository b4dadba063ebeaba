/** The situations of Art. 52 (items 1–10) a rectification notice names. */
export const ART52_ITEMS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const
