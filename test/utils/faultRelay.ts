// Streams one body (request to target, or response to client) chunk by chunk with backpressure, and
// applies a body fault at an exact byte offset: stop there, pause there, or flip the byte there.
import type { OutgoingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Readable } from "node:stream";

const EMPTY = Buffer.alloc(0);

export interface BodyFaults {
  /** The relay stops before this offset: earlier bytes are written, then `onStop` runs. */
  stopAt?: number;
  onStop?: () => void;
  /** The relay holds the body before this offset for `pauseMs` (undefined: until cancelled). */
  pauseAt?: number;
  pauseMs?: number;
  flipAt?: number;
  /** Default 0xff. */
  flipMask?: number;
  /** A fault took effect at this body offset (only when the body reached it). */
  onFault?: (offset: number) => void;
  /** Runs instead of `sink.end()` when the source ends. */
  onEnd?: () => void;
}

export interface Relay {
  /** Stops relaying and clears a pending pause timer (the caller closes the streams). */
  cancel(): void;
}

/**
 * Calls `then` once everything written to `outgoing`, its head included, has left Node for the kernel:
 * a socket destroyed right after loses nothing already written, as when a real network drops.
 */
export function afterFlush(outgoing: OutgoingMessage, then: () => void): void {
  let called = false;
  const once = (): void => {
    if (called) return;
    called = true;
    then();
  };
  if (!outgoing.headersSent) outgoing.flushHeaders();
  const withSocket = (socket: Socket): void => {
    if (socket.destroyed) return once();
    socket.once("close", once);
    // An empty write's callback runs after every earlier write (the head included) was flushed.
    const write = (): void => void socket.write(EMPTY, once);
    if (socket.connecting) socket.once("connect", write);
    else write();
  };
  if (outgoing.socket) withSocket(outgoing.socket);
  else outgoing.once("socket", withSocket);
}

/** Pipes `source` into `sink` (and ends it), applying `faults`; `onWritten` counts the bytes written. */
export function relayBody(source: Readable, sink: OutgoingMessage, faults: BodyFaults, onWritten: (bytes: number) => void): Relay {
  let offset = 0;
  let { pauseAt, flipAt } = faults;
  let awaitingDrain = false;
  let held: Buffer | undefined;
  let endSeen = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const resumeIfFree = (): void => {
    if (!awaitingDrain && held === undefined && !stopped) source.resume();
  };
  const write = (chunk: Buffer): void => {
    if (chunk.length === 0 || sink.destroyed) return;
    onWritten(chunk.length);
    offset += chunk.length;
    if (!sink.write(chunk)) {
      awaitingDrain = true;
      source.pause();
      sink.once("drain", () => {
        awaitingDrain = false;
        resumeIfFree();
      });
    }
  };
  const finish = (): void => {
    if (stopped) return;
    if (faults.onEnd) faults.onEnd();
    else sink.end();
  };
  const onData = (chunk: Buffer): void => {
    if (held !== undefined) {
      // Defensive: a chunk already on its way when the source was paused.
      held = Buffer.concat([held, chunk]);
      return;
    }
    let rest = chunk;
    const end = offset + rest.length;
    const within = (at: number | undefined): at is number => at !== undefined && at >= offset && at < end;
    if (within(flipAt)) {
      rest = Buffer.from(rest);
      rest[flipAt - offset]! ^= faults.flipMask ?? 0xff;
      faults.onFault?.(flipAt);
      flipAt = undefined;
    }
    const at = Math.min(within(faults.stopAt) ? faults.stopAt : Infinity, within(pauseAt) ? pauseAt : Infinity);
    if (at === Infinity) return write(rest);
    write(rest.subarray(0, at - offset));
    rest = rest.subarray(rest.length - (end - at));
    if (at === faults.stopAt) {
      stopped = true;
      source.off("data", onData);
      source.pause();
      faults.onFault?.(at);
      faults.onStop?.();
      return;
    }
    // A pause: the rest of this chunk (and, by backpressure, the source) waits.
    pauseAt = undefined;
    held = rest;
    source.pause();
    faults.onFault?.(at);
    if (faults.pauseMs === undefined) return;
    timer = setTimeout(() => {
      const resumed = held!;
      held = undefined;
      onData(resumed);
      if (endSeen && held === undefined) finish();
      else resumeIfFree();
    }, faults.pauseMs);
  };
  source.on("data", onData);
  // A source paused before (a stall before the head) does not flow again just for a 'data' listener.
  source.resume();
  source.once("end", () => {
    endSeen = true;
    if (held === undefined) finish();
  });
  return {
    cancel() {
      stopped = true;
      clearTimeout(timer);
      source.off("data", onData);
    },
  };
}
