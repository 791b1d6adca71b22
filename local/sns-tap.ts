/**
 * A pass-through in front of moto's SNS endpoint that shows every Publish as it happens: the local stand-in for
 * the team's e-mail subscription. Polling moto's /moto-api/data.json instead would dump every preloaded EC2
 * image on each call and saturate moto.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PublishedMessage {
  topicArn: string;
  subject?: string;
  message: string;
}

const parsePublish = (contentType: string, target: string, body: string): PublishedMessage | undefined => {
  if (contentType.includes('x-www-form-urlencoded')) {
    const form = new URLSearchParams(body);
    if (form.get('Action') !== 'Publish') return undefined;
    return {
      topicArn: form.get('TopicArn') ?? form.get('TargetArn') ?? '',
      subject: form.get('Subject') ?? undefined,
      message: form.get('Message') ?? '',
    };
  }
  if (target.endsWith('.Publish')) {
    const json = JSON.parse(body) as {
      TopicArn?: string;
      TargetArn?: string;
      Subject?: string;
      Message?: string;
    };
    return {
      topicArn: json.TopicArn ?? json.TargetArn ?? '',
      subject: json.Subject,
      message: json.Message ?? '',
    };
  }
  return undefined;
};

export const startSnsTap = async (
  upstream: string,
  onPublish: (message: PublishedMessage) => void,
): Promise<{ url: string; close(): Promise<void> }> => {
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined && !['host', 'connection', 'content-length'].includes(name)) {
          headers.set(name, Array.isArray(value) ? value.join(',') : value);
        }
      }
      const answer = await fetch(`${upstream}${request.url ?? '/'}`, {
        method: request.method,
        headers,
        body: ['GET', 'HEAD'].includes(request.method ?? 'GET') ? undefined : body,
      });
      const text = Buffer.from(await answer.arrayBuffer());
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(text);
      if (answer.ok) {
        const published = parsePublish(
          String(request.headers['content-type'] ?? ''),
          String(request.headers['x-amz-target'] ?? ''),
          body.toString('utf8'),
        );
        if (published) onPublish(published);
      }
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`SNS tap could not reach ${upstream}: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
