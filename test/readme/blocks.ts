/** Fenced code blocks of a Markdown file, with their language, `file=` name and starting line. */
export interface CodeBlock {
  lang: string;
  /** From the info string: ```ts file=bots/hello.ts */
  file: string | undefined;
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
    blocks.push({ lang, file: /(?:^|\s)file=(\S+)/.exec(info)?.[1], code: `${body.join('\n')}\n`, line: i + 1 });
    i = j;
  }
  return blocks;
}
