/** Fenced code blocks of a Markdown file, with their language, the file each is, and starting line. */
export interface CodeBlock {
  lang: string;
  /** ```ts file=bots/hello.ts, else a first line `// bots/hello.ts` (what follows a colon is a description). */
  file: string | undefined;
  /** ```ts skip=<reason>: an example that needs what this repository does not install. */
  skip: string | undefined;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export function readmeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang, info] = open as unknown as [string, string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^${indent}${fence}\\s*$`).test(lines[j]!); j++) body.push(lines[j]!.slice(indent.length));
    const named = /(?:^|\s)file=(\S+)/.exec(info)?.[1] ?? /^\/\/\s*([\w./-]+\.m?ts)(?::|\s|$)/.exec(body[0] ?? '')?.[1];
    blocks.push({ lang, file: named, skip: /(?:^|\s)skip=(\S+)/.exec(info)?.[1], code: `${body.join('\n')}\n`, line: i + 1 });
    i = j;
  }
  return blocks;
}
