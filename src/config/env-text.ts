/** How an environment variable's text is read: trimmed, and empty means unset. */
import { z } from 'zod';

export const optionalNonEmpty = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
