// Runs one operation of one Node contender in a process of its own, so that its peak RSS (read
// by the parent), request count and CPU time are that contender's alone. Prints one JSON line.
//
// Requests are counted through Node's diagnostics channels, which see every request made with
// http(s).request (core-rest-pipeline, raw Node) or fetch (undici), however the client built it.
import { subscribe } from "node:diagnostics_channel";

let requests = 0;
subscribe("http.client.request.start", () => requests++);
subscribe("undici:request:create", () => requests++);

const { contender, op, params } = JSON.parse(process.argv[2]);
const { open } = await import(`./${contender}.mjs`);
const client = await open(params);
requests = 0;
// What the process holds before a byte moves: Node, the client's modules, the client.
const rssBeforeKiB = process.memoryUsage().rss / 1024;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const detail = await client[op](params);
const seconds = (performance.now() - started) / 1000;
// CPU time of the operation alone: on a busy machine it varies far less than wall time.
const { user, system } = process.cpuUsage(cpuBefore);
process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (user + system) / 1e6, rssBeforeKiB, requests, detail }) + "\n");
