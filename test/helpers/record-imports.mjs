// Loaded with `node --import` by test/startup-imports.test.ts: reports on stderr every package the
// CLI resolves (ES modules through the resolve hook, CommonJS through Module._load), one per line,
// and every ES module file of the project it imports (imported-file:<path from the repository>).
import { register } from 'node:module';
import Module from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(result.url);
  if (match) process.stderr.write('imported-package:' + match[1] + '\\n');
  else if (result.url.startsWith(${JSON.stringify(new URL('../../', import.meta.url).href)})) {
    const file = result.url.slice(${new URL('../../', import.meta.url).href.length});
    process.stderr.write('imported-file:' + file + '\\n');
  }
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const load = Module._load;
Module._load = function (request, parent, ...rest) {
  if (!request.startsWith('.') && !request.startsWith('node:') && !Module.isBuiltin(request)) {
    const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
    process.stderr.write(`imported-package:${name}\n`);
  }
  return load.call(this, request, parent, ...rest);
};
