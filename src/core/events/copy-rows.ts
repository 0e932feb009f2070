import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/** One stored event as the check reads it: the payload is still JSON text, parsed only when validated. */
export type EventRowSink = (position: number, type: string, version: number, payload: string) => void;

/**
 * Runs `COPY (select) TO STDOUT` on the client and hands every row to `sink`; the select yields
 * (global_position, event_type, schema_version, payload). Returns the rows read and the last position.
 *
 * COPY rather than a query because of the client's CPU: a query's rows each arrive as a message
 * that pg turns into an array of four strings and then parses field by field, which cost as much
 * as validating the payload; here the stream is decoded once per network chunk and cut at tabs and
 * newlines, and the server streams the batch while the client validates it.
 */
export async function copyEventRows(
  client: PoolClient,
  select: string,
  sink: EventRowSink,
): Promise<{ rows: number; last: number }> {
  const splitter = new CopyTextSplitter(sink);
  const stream = client.query(copyTo(`COPY (${select}) TO STDOUT`));
  // a throw out of this loop would leave the connection in the middle of the COPY: a failing sink
  // (a schema of a proposed registry that throws) stops the rows, the stream is read to its end
  let failure: { error: unknown } | undefined;
  for await (const chunk of stream) {
    if (failure) continue;
    try {
      splitter.push(chunk as Buffer);
    } catch (error) {
      failure = { error };
    }
  }
  if (failure) throw failure.error;
  splitter.end();
  return { rows: splitter.rows, last: splitter.last };
}

/** COPY's text format: one row a line, columns separated by tabs, `\` escapes in a field. */
class CopyTextSplitter {
  rows = 0;
  last = 0;
  /** the bytes of a row cut by the end of a network chunk (possibly inside a UTF-8 character) */
  private carry: Buffer | undefined;

  constructor(private readonly sink: EventRowSink) {}

  push(chunk: Buffer): void {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    const end = data.lastIndexOf(10);
    if (end < 0) {
      this.carry = data;
      return;
    }
    if (end + 1 < data.length) this.carry = Buffer.from(data.subarray(end + 1));
    this.lines(data.toString('utf8', 0, end + 1));
  }

  end(): void {
    if (this.carry?.length) throw new Error('COPY output ended inside a row');
  }

  /** Whole lines only. Neither a tab nor a newline can occur inside a field: COPY escapes them. */
  private lines(text: string): void {
    const sink = this.sink;
    let slash = text.indexOf('\\');
    let start = 0;
    let last = this.last;
    let rows = 0;
    while (start < text.length) {
      const newline = text.indexOf('\n', start);
      const tab1 = text.indexOf('\t', start);
      const tab2 = text.indexOf('\t', tab1 + 1);
      const tab3 = text.indexOf('\t', tab2 + 1);
      if (tab1 < 0 || tab3 < 0 || tab3 > newline) throw new Error('COPY output is not four columns');
      let type = text.slice(tab1 + 1, tab2);
      let payload = text.slice(tab3 + 1, newline);
      // a backslash in the line (a quote or a control character inside a JSON string, mostly)
      if (slash >= 0 && slash < newline) {
        type = unescapeField(type);
        payload = unescapeField(payload);
        slash = text.indexOf('\\', newline);
      }
      last = integer(text, start, tab1);
      sink(last, type, integer(text, tab2 + 1, tab3), payload);
      rows++;
      start = newline + 1;
    }
    this.last = last;
    this.rows += rows;
  }
}

/** A bigint or integer column's text, without making a string of it. */
function integer(text: string, from: number, to: number): number {
  const negative = text.charCodeAt(from) === 45;
  let value = 0;
  for (let i = negative ? from + 1 : from; i < to; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return negative ? -value : value;
}

const ESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** COPY TO's escapes: `\\`, and `\b \f \n \r \t \v` for those control characters. */
function unescapeField(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/gs, (_, c: string) => ESCAPED[c] ?? c);
}
