/** GitHub Actions workflow commands (`::error file=…,line=…::message`), escaped as the runner expects. */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  title?: string;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatAnnotation({ level, message, file, line, title }: Annotation): string {
  const props = [
    file !== undefined ? `file=${escapeProperty(file)}` : undefined,
    line !== undefined ? `line=${line}` : undefined,
    title !== undefined ? `title=${escapeProperty(title)}` : undefined,
  ].filter(Boolean);
  return `::${level}${props.length ? ` ${props.join(',')}` : ''}::${escapeData(message)}`;
}
