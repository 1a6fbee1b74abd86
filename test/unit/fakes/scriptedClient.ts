// The smallest fake registry: an HttpClient that answers each request with what a test's function
// returns, to drive the client with exactly the answer (hostile, malformed) a test is about.
import { Readable } from "node:stream";
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";

export interface ScriptedReply {
  status: number;
  /** Added to `Content-Type: application/json`. */
  headers?: Record<string, string>;
  body?: string;
  /** A streamed body, for responses the request asked to stream. */
  stream?: Readable;
}

/** An HttpClient answering with `answer`; `requests` lists what it was sent (method and URL). */
export function scriptedClient(answer: (request: PipelineRequest) => ScriptedReply): HttpClient & { requests: string[] } {
  const requests: string[] = [];
  return {
    requests,
    sendRequest: async (request): Promise<PipelineResponse> => {
      requests.push(`${request.method} ${request.url}`);
      const reply = answer(request);
      const response: PipelineResponse = { request, status: reply.status, headers: createHttpHeaders({ "content-type": "application/json", ...reply.headers }) };
      if (reply.stream) response.readableStreamBody = reply.stream;
      else if (request.streamResponseStatusCodes?.has(reply.status)) response.readableStreamBody = Readable.from([Buffer.from(reply.body ?? "")]);
      else response.bodyAsText = reply.body ?? "";
      return response;
    },
  };
}

/** A reply of JSON. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): ScriptedReply {
  return { status, headers, body: JSON.stringify(body) };
}
