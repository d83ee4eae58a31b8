/**
 * A logic-less template in the Mustache subset the deploy configs need:
 * `{{name}}` substitutes a value; `{{#name}}…{{/name}}` repeats its body for
 * each item of a list (the item's fields over the outer ones), renders it once
 * for any other truthy value and drops it for false, undefined, "" or [].
 * Hand-written rather than a dependency: two rules, and a config file must
 * never be rendered with a name left unfilled (this throws instead).
 */
export type TemplateValue = string | number | boolean | undefined | readonly TemplateContext[];
export interface TemplateContext {
  readonly [name: string]: TemplateValue;
}

export function renderTemplate(template: string, context: TemplateContext): string {
  let out = template;
  // Outermost first; the body is rendered recursively (sections of different names may nest).
  for (let match = findSection(out); match !== undefined; match = findSection(out)) {
    const { start, end, name, body } = match;
    const value = context[name];
    let rendered = "";
    if (Array.isArray(value)) {
      rendered = (value as readonly TemplateContext[])
        .map((item) => renderTemplate(body, { ...context, ...item }))
        .join("");
    } else if (value !== undefined && value !== false && value !== "") {
      rendered = renderTemplate(body, context);
    }
    out = out.slice(0, start) + rendered + out.slice(end);
  }
  return out.replace(/\{\{(\w+)\}\}/g, (_whole, name: string) => {
    const value = context[name];
    if (typeof value !== "string" && typeof value !== "number") {
      throw new Error(`template value "${name}" is not set`);
    }
    return String(value);
  });
}

/**
 * The first (outermost) section. A tag alone on its line takes the line with
 * it, so sections leave no blank lines; an inline one (`{{#tls}} ssl{{/tls}}`)
 * replaces just itself.
 */
function findSection(text: string): { start: number; end: number; name: string; body: string } | undefined {
  const open = /\{\{#(\w+)\}\}/.exec(text);
  if (open === null) return undefined;
  const name = open[1]!;
  const closeTag = `{{/${name}}}`;
  const close = text.indexOf(closeTag, open.index);
  if (close === -1) throw new Error(`template section "${name}" is not closed`);
  let start = open.index;
  let bodyStart = open.index + open[0].length;
  let bodyEnd = close;
  let end = close + closeTag.length;
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  if (/^[ \t]*$/.test(text.slice(lineStart, start)) && text[bodyStart] === "\n") {
    start = lineStart;
    bodyStart += 1;
  }
  const closeLineStart = text.lastIndexOf("\n", close - 1) + 1;
  if (/^[ \t]*$/.test(text.slice(closeLineStart, close)) && (text[end] === "\n" || end === text.length)) {
    bodyEnd = closeLineStart;
    end = Math.min(end + 1, text.length);
  }
  return { start, end, name, body: text.slice(bodyStart, bodyEnd) };
}
