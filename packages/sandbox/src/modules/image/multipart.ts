import { Busboy, type BusboyFileStream, type BusboyInstance } from '@fastify/busboy';

export interface MultipartFile {
  filename: string;
  mimeType: string;
  bytes: Buffer;
  /** True when the file was cut at the size limit. */
  truncated: boolean;
}

export interface MultipartForm {
  fields: Map<string, string>;
  files: Map<string, MultipartFile>;
}

/**
 * Parses a buffered multipart/form-data body. Returns an empty form for any other content type or
 * a body that is not valid multipart, because the platform then simply finds no file.
 */
export function parseMultipart(body: Buffer, contentType: string, maxFileBytes: number): Promise<MultipartForm> {
  const form: MultipartForm = { fields: new Map(), files: new Map() };
  if (!/^multipart\/form-data/i.test(contentType)) return Promise.resolve(form);

  return new Promise((resolve) => {
    let parser: BusboyInstance;
    try {
      parser = new Busboy({
        headers: { 'content-type': contentType },
        limits: { fileSize: maxFileBytes, files: 10, fields: 50 },
        // The image part is a file even when the client sends it without a filename.
        isPartAFile: (name, partType, filename) => name === 'media' || filename !== undefined || partType === 'application/octet-stream',
      });
    } catch {
      resolve(form);
      return;
    }
    parser.on('field', (name: string, value: string) => {
      if (!form.fields.has(name)) form.fields.set(name, value);
    });
    parser.on('file', (name: string, stream: BusboyFileStream, filename: string, _encoding: string, mimeType: string) => {
      const chunks: Buffer[] = [];
      let broken = false;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A part cut off before its closing boundary is dropped, as if it had not been sent.
      stream.on('error', () => {
        broken = true;
      });
      stream.on('end', () => {
        if (!broken && !form.files.has(name)) {
          form.files.set(name, { filename: filename ?? '', mimeType, bytes: Buffer.concat(chunks), truncated: stream.truncated });
        }
      });
    });
    parser.on('finish', () => resolve(form));
    parser.on('error', () => resolve(form));
    parser.end(body);
  });
}
