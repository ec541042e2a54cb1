/**
 * zod at the HTTP boundary: parse or throw a ValidationError whose issues name
 * paths and problems, never the offending values (zod's messages for the
 * built-in checks describe the expectation, not the input).
 */
import type { z } from "zod";
import { ValidationError } from "../errors";
import type { Issue } from "../errors";

/** zod issues as the platform's `{ path, message }` list (root path is "$"). */
export function issuesFromZod(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: issue.path.length ? issue.path.map(String).join(".") : "$", message: issue.message }));
}

/** Returns the parsed value or throws ValidationError(message, issues). */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, message = "Invalid request"): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(message, issuesFromZod(result.error));
  return result.data;
}
