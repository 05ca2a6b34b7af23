// The forecast in WebAssembly (issue 15, aim ≤ 50 ms for a 50,000-entry pool): loads the rules
// crate built for wasm32 with the feature forecast-bench, whose two exports of numbers
// (rules-wasm/src/forecast/bench_pool.rs) need none of the module's bindings, and times
// `forecast_bench` — the rules' forecast of an application at the back of 500 + 7,500 +
// 42,000 applications, 400 simulated futures — and building its input alone, median of many
// calls. `bash scripts/bench-forecast.sh` builds it and runs the native criterion twin in the
// same run.
//
//   node scripts/bench-forecast.mjs <kezek_rules.wasm> [general ahead] [calls]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [file, generalText = '42000', callsText = '25'] = process.argv.slice(2);
const general = Number(generalText);
const calls = Number(callsText);
// The lean exports' wasm-bindgen imports are never called by these two functions.
const stub = new Proxy({}, { get: () => new Proxy({}, { get: () => () => 0 }) });
const { instance } = await WebAssembly.instantiate(readFileSync(file), stub);
// wasm-bindgen names the raw exports with a hash suffix: found by their prefix.
const exported = (name) => Object.entries(instance.exports).find(([key]) => key === name || key.startsWith(`${name}_`))?.[1];
const forecast = exported('forecast_bench');
const inputOnly = exported('forecast_input_only');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
function time(run) {
  const samples = [];
  for (let call = 0; call < calls; call += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return samples;
}

forecast(general); // warm-up (compiles the hot code)
const month = forecast(general);
const whole = time(() => forecast(general));
const input = time(() => inputOnly(general));
const ahead = 500 + 7_500 + general;
console.log(`forecast in WebAssembly, ${ahead.toLocaleString('en')} applications ahead, 400 runs: median ${median(whole).toFixed(1)} ms (input alone ${median(input).toFixed(1)} ms; forecast without it ${(median(whole) - median(input)).toFixed(1)} ms; min ${Math.min(...whole).toFixed(1)} ms; ${calls} calls); likely from month ${month}`);
