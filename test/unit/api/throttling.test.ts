/**
 * Throttling is retried by the SDK (standard mode, from #commons/clients/config): proven with a real EC2Client
 * whose HTTP layer answers RequestLimitExceeded twice, then succeeds. aws-sdk-client-mock would bypass the
 * retry middleware, so this file uses no mock.
 */
import { Readable } from 'node:stream';
import { EC2Client } from '@aws-sdk/client-ec2';
import { clientConfig } from '#commons/clients/config';
import { listEnvironments } from '../../../functions/environments/read-environments';

const xml = (body: string) => Readable.from([Buffer.from(body)]);
/** The SDK duck-types HTTP responses (statusCode + headers + body), so a plain object stands in. */

it('retries a throttled DescribeInstances and then answers', async () => {
  // Arrange
  let calls = 0;
  const ec2 = new EC2Client({
    ...clientConfig,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    requestHandler: {
      handle: async () => {
        calls += 1;
        if (calls <= 2) {
          return {
            response: {
              statusCode: 503,
              headers: { 'content-type': 'text/xml' },
              body: xml(
                '<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r</RequestID></Response>',
              ),
            },
          };
        }
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'text/xml' },
            body: xml(
              '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet/></DescribeInstancesResponse>',
            ),
          },
        };
      },
    },
  });
  // Act
  const environments = await listEnvironments(
    { ec2, stage: 'test', region: 'eu-west-1' },
    { owner: 'alice' },
  );
  // Assert
  expect(environments).toEqual([]);
  expect(calls).toBe(3);
}, 30_000);
