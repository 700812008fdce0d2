/**
 * Signals with the program on the main thread and the signal watcher thread beside it
 * (src/cli/program-main.ts), and with the fallback where the program runs in a worker
 * (program-thread.ts, MUFIZ_PROGRAM_THREAD=1). cli-hardening.test.ts has the basic case.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'child_process';
import { writeFileSync, existsSync } from 'fs';
import * as path from 'path';
import { tempDir, BIN, cleanEnv, patience } from './cli-helpers';
import { BufferedOutput } from '../src/cli/output';

const dir = tempDir('mufiz-signals-');
let count = 0;

interface Ended { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; afterSignal: number }

/**
 * Runs `body` (MufiZ source that prints, then creates the file MARKER, then spins or blocks);
 * once the marker exists sends `signals` (one each `gapMs`). stdin is a pipe that stays open.
 */
function signalled(body: string, signals: NodeJS.Signals[], env: Record<string, string> = {}, gapMs = 150): Promise<Ended> {
  const marker = path.join(dir, `marker-${++count}`);
  const prog = path.join(dir, `prog-${count}.mufi`);
  writeFileSync(prog, body.replace('MARKER', marker.replace(/\\/g, '\\\\')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, prog], { cwd: dir, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', sentAt = 0;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const started = Date.now();
    const poll = setInterval(() => {
      if (existsSync(marker)) {
        clearInterval(poll);
        // After a pause that grows with the machine's load: the watcher thread must be up.
        const pause = patience(200);
        signals.forEach((s, i) => setTimeout(() => { if (i === 0) sentAt = Date.now(); child.kill(s); }, pause + i * gapMs));
      } else if (Date.now() - started > patience(30000)) { clearInterval(poll); child.kill('SIGKILL'); reject(new Error('the program never started')); }
    }, 20);
    child.on('close', (code, signal) => { clearInterval(poll); child.stdin.destroy(); resolve({ code, signal, stdout, stderr, afterSignal: Date.now() - sentAt }); });
  });
}

// The print comes after a pause, when the watcher is up: the output sits in the buffer until the
// interrupt ends the program.
const SPIN = 'sleep(0.5);\nprint "hello";\ncreate_file("MARKER");\nwhile (true) {}\n';

test('main thread: SIGINT, SIGTERM and SIGHUP interrupt the program, flush it, exit 128 + signal', async () => {
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as [NodeJS.Signals, number][]) {
    const r = await signalled(SPIN, [signal]);
    assert.is(r.code, status, `${signal}: ${r.stderr}`);
    assert.is(r.stdout, 'hello\n');
    // The line of the loop where it stopped (not the one before the loop: docs/internals.md).
    assert.match(r.stderr, /^Interrupted\.\n\[line 4\] in script/);
    assert.not.match(r.stderr, 'Deprecation', 'the internal binding warns nobody');
  }
});

test('fallback (MUFIZ_PROGRAM_THREAD=1, the program in a worker): same behaviour', async () => {
  const r = await signalled(SPIN, ['SIGTERM'], { MUFIZ_PROGRAM_THREAD: '1' });
  assert.is(r.code, 143, r.stderr);
  assert.is(r.stdout, 'hello\n');
  assert.match(r.stderr, 'Interrupted.');
});

// A program with no loop and no call in a function runs without the watcher (src/cli/brief.ts)
// until a native blocks: sleep() starts it, so Ctrl-C in the second sleep is an interrupt.
const BRIEF_SLEEP = 'print "hello";\nsleep(0.5);\ncreate_file("MARKER");\nsleep(30);\nprint "not reached";\n';

test('a brief program blocked in sleep(): the watcher started there, SIGINT interrupts it', async () => {
  const r = await signalled(BRIEF_SLEEP, ['SIGINT']);
  assert.is(r.code, 130, r.stderr);
  assert.is(r.stdout, 'hello\n');
  assert.match(r.stderr, /^Interrupted\.\n\[line 4\] in script/);
});

// input() with an open, silent stdin: blocked in a native, the interrupt is not seen at once.
const BLOCKED = 'print "waiting";\ncreate_file("MARKER");\nprint input();\n';

/** Ended by the signal itself (default action) or, if the read could poll, as an interrupt. */
function endedBy(r: Ended, signal: NodeJS.Signals, status: number): void {
  assert.ok(r.signal === signal || r.code === status, `ended by ${r.signal ?? r.code}: ${r.stderr}`);
  assert.is(r.stdout, 'waiting\n', 'printed before blocking, so flushed');
}

test('a program blocked in a native ends within the grace period after one SIGINT', async () => {
  const r = await signalled(BLOCKED, ['SIGINT']);
  endedBy(r, 'SIGINT', 130);
  assert.ok(r.afterSignal < patience(2000) + 3000, `took ${r.afterSignal} ms`);
});

test('a second signal ends a blocked program at once', async () => {
  const r = await signalled(BLOCKED, ['SIGTERM', 'SIGTERM'], {}, 200);
  endedBy(r, 'SIGTERM', 143);
  assert.ok(r.afterSignal < 1500 * Math.max(1, patience(1000) / 1000), `took ${r.afterSignal} ms`);
});

test('BufferedOutput with holdUntil: every write goes out until it says yes, then writes are buffered', () => {
  const out: string[] = [];
  let ready = false;
  const b = new BufferedOutput((t) => out.push(t), 1 << 16, () => ready);
  b.write('a'); b.write('b');
  assert.equal(out, ['a', 'b']);
  ready = true;
  b.write('c'); // this write still flushes (and switches to buffering)
  b.write('d'); b.write('e');
  assert.equal(out, ['a', 'b', 'c']);
  b.flush();
  assert.equal(out, ['a', 'b', 'c', 'de']);
});

test.run();
