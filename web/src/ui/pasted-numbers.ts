// Phone numbers pasted into a text box: one rule for every page that takes a list of numbers.

/** Splits pasted numbers on new lines, commas and semicolons (also full-width), tabs and runs of spaces; drops repeats. */
export function pastedNumbers(text: string | undefined): string[] {
  return [...new Set((text ?? '').split(/[\n,;，；\t]+|\s{2,}/).map((x) => x.trim()).filter(Boolean))];
}
