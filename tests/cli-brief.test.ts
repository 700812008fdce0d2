/**
 * runsBriefly (src/cli/brief.ts): which programs run without the signal watcher thread. A wrong
 * "brief" would let Ctrl-C kill a long program without `Interrupted.`; a wrong "not brief" only
 * costs the thread's start.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../src/index';
import { runsBriefly } from '../src/cli/brief';

function brief(source: string): boolean {
  const r = compile(source, 'brief.mufi');
  if (r.script === null) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return runsBriefly(r.script);
}

test('straight-line programs are brief, calls at the top level included', () => {
  assert.ok(brief('print "hi";'));
  assert.ok(brief('fun greet(name) { return "Hello, " + name + "!"; }\nprint greet("world");\nprint clock() >= 0;'));
  assert.ok(brief('class A { init(x) { this.x = x; } get() { return this.x; } }\nvar a = A(1);\nprint a.get();'));
  assert.ok(brief('var x = 1; if (x > 0) { print "yes"; } else { print "no"; }'));
});

test('a loop anywhere, or a call inside a function, is not brief', () => {
  assert.not.ok(brief('while (true) {}'));
  assert.not.ok(brief('for (var i = 0; i < 3; i = i + 1) print i;'));
  assert.not.ok(brief('fun f() { while (true) {} }'));
  assert.not.ok(brief('fun f(n) { return f(n); }\nf(1);'), 'recursion');
  assert.not.ok(brief('fun f() { return g(); }\nfun g() { return 1; }\nprint f();'), 'a call in a function');
  assert.not.ok(brief('class A { m() { return this.n(); } n() { return 1; } }\nprint A().m();'), 'an invocation in a method');
  assert.not.ok(brief('fun outer() { fun inner() { return outer(); } return inner; }'), 'a call in a nested function');
});

test.run();
