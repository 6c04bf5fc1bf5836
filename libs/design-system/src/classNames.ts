type ClassValue = string | false | null | undefined;

/** Tiny internal class joiner; libs deliberately avoid an npm dependency for this. */
export function cx(...values: ClassValue[]): string {
  return values.filter(Boolean).join(' ');
}
