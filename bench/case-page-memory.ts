// `npx tsx bench/case-page-memory.ts`: the resident memory of a Haven process while one staff
// case page is viewed again and again over HTTP. A page view must leave nothing behind that the
// garbage collector cannot see (secure-memory keys, ICU objects, caches that grow), so RSS
// stays flat however many views there are.
//
// Starts Haven as a child process on a fresh SQLite database (or PostgreSQL with --engine
// postgres), with one case and its conversation and a signed-in staff member, then GETs
// /staff/cases/:id one view after another and reads the child's VmRSS every --every views.
// Options:
//   --views N     how many views (default 3000)
//   --every N     how often to print (default 500)
//   --role R      who views (default handler; a coordinator also sees the audit trail)
//   --messages N  replies and notes on the case (default 6)
//   --engine E    sqlite (default) or postgres
//   --detail      the server also prints what V8 sees (heap, external, array buffers)
//   --node-args   Node options for the server, e.g. "--max-old-space-size=96"

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const VIEWS = Number(arg('views', '3000'));
const EVERY = Number(arg('every', '500'));
const ROLE = arg('role', 'handler');
const MESSAGES = Number(arg('messages', '6'));
const ENGINE = arg('engine', 'sqlite');
const NODE_ARGS = arg('node-args', '').split(' ').filter(Boolean);

interface Ready {
  origin: string;
  url: string;
  cookie: string;
}

/** The server: Haven listening on a loopback port, with one case to look at. */
async function serve(): Promise<void> {
  const { createHarness } = await import('../test/harness.js');
  const { engines } = await import('../test/engines.js');
  const { addNote, replyToRequester } = await import('../src/modules/cases/case.service.js');
  const { newRequest, staffMember } = await import('../src/modules/cases/case.fixtures.js');
  const engine = engines.find((e) => e.name === ENGINE);
  if (!engine?.available) throw new Error(`engine ${ENGINE} is not available`);
  const h = await createHarness(engine);
  h.clock.ms = Date.now();
  const staff = await staffMember(h.deps, ROLE as 'handler');
  const { caseId } = await newRequest(h.deps);
  for (let i = 0; i < MESSAGES; i++) {
    const post = i % 2 === 0 ? replyToRequester : addNote;
    const r = await post(
      h.deps,
      staff.principal,
      caseId,
      `Message ${i}: please check the account's sessions.`,
    );
    if (!r.ok) throw new Error(`could not add a message: ${r.code}`);
  }
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const ready: Ready = {
    origin: `http://127.0.0.1:${port}`,
    url: `/staff/cases/${caseId}`,
    cookie: staff.cookie,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  if (process.argv.includes('--detail')) {
    // What V8 sees of the memory, to set beside the RSS the parent reads.
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    let views = 0;
    h.app.server.on('request', () => {
      views += 1;
      if (views % EVERY !== 0) return;
      const m = process.memoryUsage();
      process.stderr.write(
        `        server: heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB, external ${mb(m.external)} MB, arrayBuffers ${mb(m.arrayBuffers)} MB\n`,
      );
    });
  }
  const stop = () => void h.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The measurement: starts the server, views the page, prints the server's RSS. */
async function measure(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    [
      ...NODE_ARGS,
      '--import',
      'tsx',
      self,
      '--serve',
      '--role',
      ROLE,
      '--messages',
      String(MESSAGES),
      '--engine',
      ENGINE,
      '--every',
      String(EVERY),
      ...(process.argv.includes('--detail') ? ['--detail'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
    });
    const ready = JSON.parse(first) as Ready;
    const pid = child.pid!;
    console.log(
      `engine ${ENGINE}, role ${ROLE}, ${MESSAGES} messages, ${VIEWS} views of ${ready.url} ${NODE_ARGS.join(' ')}`,
    );
    console.log(`${String(0).padStart(6)} views  rss ${rssMb(pid).toFixed(1).padStart(7)} MB`);
    const started = performance.now();
    for (let v = 1; v <= VIEWS; v++) {
      const res = await fetch(ready.origin + ready.url, { headers: { cookie: ready.cookie } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`view ${v}: ${res.status}`);
      if (v % EVERY === 0)
        console.log(`${String(v).padStart(6)} views  rss ${rssMb(pid).toFixed(1).padStart(7)} MB`);
    }
    console.log(`${((performance.now() - started) / VIEWS).toFixed(2)} ms per view`);
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv.includes('--serve')) await serve();
else await measure();
