#!/usr/bin/env node
// Greedy GPT-2 generation with ONNX Runtime (npm onnxruntime-node) on the
// graph written by scripts/export_gpt2_onnx.py (one graph, KV cache as
// past.<i>.key/value inputs and present.<i>.key/value outputs).
//
//   node bench/ort_gpt2.js --model gpt2.onnx --prompt-ids 1,2,3 -n 64 \
//     --threads 1 [--module-dir DIR]
//
// Prefills the prompt (past_seq = 0), then runs n - 1 decode steps of one
// token each, feeding the presents back as the next past. Prints the n
// generated ids on stdout, comma-separated, and on stderr the same stats
// line as tfc's executables:
//   prompt tokens: N, prefill: X tok/s, decode: Y tok/s
// prefill = prompt tokens / time of the prefill run; decode = decode steps /
// time of the decode runs (the argmax between steps is not timed).
'use strict';

const fs = require('fs');
const path = require('path');

function parseArgs(argv) {
  const a = { n: 64, threads: 1, moduleDir: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    if (k === '--model') a.model = v();
    else if (k === '--prompt-ids') a.ids = v().split(',').map(Number);
    else if (k === '-n' || k === '--n-predict') a.n = parseInt(v(), 10);
    else if (k === '--threads') a.threads = parseInt(v(), 10);
    else if (k === '--module-dir') a.moduleDir = v();
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.model || !a.ids || a.ids.some((x) => !Number.isInteger(x)))
    throw new Error('usage: ort_gpt2.js --model FILE --prompt-ids IDS ' +
                    '[-n N] [--threads T] [--module-dir DIR]');
  return a;
}

function loadOrt(moduleDir) {
  // --module-dir: the node_modules folder the bench script installed into.
  if (moduleDir)
    return require(path.resolve(moduleDir, 'onnxruntime-node'));
  return require('onnxruntime-node');
}

function argmax(data, offset, n) {
  let best = 0;
  let bestValue = data[offset];
  for (let j = 1; j < n; j++) {
    if (data[offset + j] > bestValue) {
      bestValue = data[offset + j];
      best = j;
    }
  }
  return best;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const ort = loadOrt(a.moduleDir);
  const meta = JSON.parse(fs.readFileSync(a.model + '.json', 'utf8'));
  const { layers, heads, head_dim: headDim, vocab } = meta;

  const t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(a.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: a.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const seconds = (from) => Number(process.hrtime.bigint() - from) / 1e9;
  const loadSeconds = seconds(t0);

  const idsTensor = (ids) =>
    new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)),
                   [1, ids.length]);
  const feeds = { input_ids: idsTensor(a.ids) };
  for (let i = 0; i < layers; i++) {
    for (const kv of ['key', 'value']) {
      const empty = new Float32Array(0);
      feeds[`past.${i}.${kv}`] =
          new ort.Tensor('float32', empty, [1, heads, 0, headDim]);
    }
  }

  // Prefill: logits [1, prompt, vocab]; the first new token comes from the
  // last row.
  let t = process.hrtime.bigint();
  let out = await session.run(feeds);
  const prefillSeconds = seconds(t);
  const prompt = a.ids.length;
  let next = argmax(out.logits.data, (prompt - 1) * vocab, vocab);
  const generated = [next];

  let decodeSeconds = 0;
  for (let step = 1; step < a.n; step++) {
    feeds.input_ids = idsTensor([next]);
    for (let i = 0; i < layers; i++) {
      for (const kv of ['key', 'value'])
        feeds[`past.${i}.${kv}`] = out[`present.${i}.${kv}`];
    }
    t = process.hrtime.bigint();
    out = await session.run(feeds);
    decodeSeconds += seconds(t);
    next = argmax(out.logits.data, 0, vocab);
    generated.push(next);
  }

  const rate = (n, s) => (s > 0 ? n / s : 0).toFixed(2);
  process.stdout.write(generated.join(',') + '\n');
  process.stderr.write(`load: ${loadSeconds.toFixed(3)} s\n`);
  process.stderr.write(`prompt tokens: ${prompt}, prefill: ` +
                       `${rate(prompt, prefillSeconds)} tok/s, decode: ` +
                       `${rate(a.n - 1, decodeSeconds)} tok/s\n`);
}

main().catch((e) => {
  process.stderr.write(`error: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
