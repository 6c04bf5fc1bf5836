/** Text as HTML text or attribute value. Pure. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON or script text that can sit inside a `<script>` element: `<` is escaped so that no
 * `</script>` or `<!--` in a log message or an app name can end the element early. In JSON,
 * `\u003c` is the same string; in the page's minified script, `<` only occurs in strings,
 * regular expressions and comparisons, where `<\/` before a letter means the same.
 */
export function escapeScriptJson(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The page script, safe inside `<script>`: `</script` and `<!--` cannot occur in it. */
export function escapeScriptText(script: string): string {
  return script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
