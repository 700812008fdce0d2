/** The REPL's dot commands: names and one-line help (the behaviour lives in repl.ts). */
export const COMMANDS: { name: string; args: string; help: string }[] = [
  { name: '.help', args: '', help: 'show this list' },
  { name: '.exit', args: '', help: 'leave the REPL (also Ctrl-D, or Ctrl-C twice on an empty line)' },
  { name: '.load', args: 'FILE', help: 'run FILE in this session (its definitions stay)' },
  { name: '.save', args: 'FILE', help: "write this session's entries (those that compiled) to FILE" },
  { name: '.stats', args: '', help: 'heap and GC statistics now' },
  { name: '.gc', args: '', help: 'collect garbage now and show what was freed' },
  { name: '.bytecode', args: 'CODE', help: 'show the bytecode CODE compiles to (without running it)' },
];

export const COMMAND_NAMES = COMMANDS.map((c) => c.name);

export function replHelp(): string {
  const lines = [
    'Type MufiZ code: a complete entry runs at once, and an expression entry prints its value',
    '(`1 + 2` shows 3). An entry continues on the next line while a bracket or a string is open.',
    'Definitions persist for the session. Ctrl-C stops a running program or clears the line.',
    '',
  ];
  for (const c of COMMANDS) lines.push(`  ${(c.name + (c.args ? ' ' + c.args : '')).padEnd(16)} ${c.help}`);
  return lines.join('\n') + '\n';
}
