/**
 * Markdown helpers for the templates: every value from the configuration is
 * escaped so an organization's text cannot inject links, HTML or table
 * breaks into a published document.
 */
export function esc(value: string | null | undefined, fallback = "—"): string {
  if (value === null || value === undefined || value.trim() === "") return fallback;
  return value
    .replace(/[\\`*_{}[\]<>#|~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, " ")
    .trim();
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "_None._";
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function list(items: readonly string[]): string {
  return items.length === 0 ? "_None._" : items.map((i) => `- ${i}`).join("\n");
}

export function doc(sections: readonly (string | null)[]): string {
  return `${sections.filter((s): s is string => s !== null).join("\n\n")}\n`;
}
