import { ImagebuilderClient, ListImagePipelineImagesCommand } from '@aws-sdk/client-imagebuilder';
import { mockClient } from 'aws-sdk-client-mock';
import { countConsecutiveFailedNights, listPipelineBuilds } from '#commons/builds/history';
import { formatFailureNotice, SNS_SUBJECT_MAX_LENGTH } from '#commons/builds/notices';

const imagebuilderMock = mockClient(ImagebuilderClient);
beforeEach(() => imagebuilderMock.reset());

const build = (arn: string, status: string, dateCreated: string) => ({
  arn,
  status,
  dateCreated: new Date(dateCreated),
});

describe('consecutive failed nights', () => {
  test('counts failed or cancelled nights back to the last AVAILABLE build, once per night', () => {
    const builds = [
      build('b5', 'FAILED', '2026-12-04T03:00:00Z'),
      build('b4', 'CANCELLED', '2026-12-03T03:00:00Z'),
      build('b3', 'FAILED', '2026-12-03T05:00:00Z'),
      build('b2', 'FAILED', '2026-12-02T03:00:00Z'),
      build('b1', 'AVAILABLE', '2026-12-01T03:00:00Z'),
      build('b0', 'FAILED', '2026-11-30T03:00:00Z'),
    ];
    expect(
      countConsecutiveFailedNights(builds, { arn: 'b5', dateCreated: new Date('2026-12-04T03:00:00Z') }),
    ).toBe(3);
  });

  test('the build being reported counts even while Image Builder still shows it running (timeout)', () => {
    const builds = [
      build('b2', 'BUILDING', '2026-12-04T03:00:00Z'),
      build('b1', 'AVAILABLE', '2026-12-03T03:00:00Z'),
    ];
    expect(
      countConsecutiveFailedNights(builds, { arn: 'b2', dateCreated: new Date('2026-12-04T03:00:00Z') }),
    ).toBe(1);
  });

  test('reads every page of the pipeline images and sorts them newest first', async () => {
    imagebuilderMock
      .on(ListImagePipelineImagesCommand, { nextToken: undefined })
      .resolves({
        imageSummaryList: [
          { arn: 'old', state: { status: 'AVAILABLE' }, dateCreated: '2026-12-01T03:00:00Z' },
        ],
        nextToken: 'p2',
      })
      .on(ListImagePipelineImagesCommand, { nextToken: 'p2' })
      .resolves({
        imageSummaryList: [{ arn: 'new', state: { status: 'FAILED' }, dateCreated: '2026-12-02T03:00:00Z' }],
      });
    const builds = await listPipelineBuilds(new ImagebuilderClient({}), 'arn:pipeline');
    expect(builds.map((b) => b.arn)).toEqual(['new', 'old']);
    expect(imagebuilderMock).toHaveReceivedCommandTimes(ListImagePipelineImagesCommand, 2);
  });
});

describe('failure notice', () => {
  const base = {
    stage: 'dev',
    outcome: 'FAILED' as const,
    phase: 'TESTING',
    reason: 'Step RunTests failed',
    imageArn: 'arn:aws:imagebuilder:eu-west-1:123456789012:image/cloudboot-dev-recipe/1.0.0/3',
    region: 'eu-west-1',
    logGroup: '/aws/imagebuilder/cloudboot-dev-recipe',
    alertThreshold: 3,
  };

  test('below the threshold: stage, outcome and phase in the subject; reason, image, logs and count in the body', () => {
    const notice = formatFailureNotice({ ...base, consecutiveFailedNights: 2 });
    expect(notice.subject).toBe('[cloudboot dev] Nightly image build FAILED at TESTING');
    expect(notice.message).toContain('Reason: Step RunTests failed');
    expect(notice.message).toContain(`Image: ${base.imageArn}`);
    expect(notice.message).toContain('log-group/$252Faws$252Fimagebuilder$252Fcloudboot-dev-recipe');
    expect(notice.message).toContain('Consecutive failed nights: 2');
    expect(notice.message).not.toContain('ALERT');
  });

  test('at the threshold the subject and the body say so plainly', () => {
    const notice = formatFailureNotice({ ...base, consecutiveFailedNights: 3 });
    expect(notice.subject).toBe(
      '[cloudboot dev] ALERT 3 failed nights: Nightly image build FAILED at TESTING',
    );
    expect(notice.message).toContain('ALERT: the build has failed 3 nights in a row (alert threshold 3)');
  });

  test('the subject never exceeds SNS limit of 100 characters, even for a long stage name', () => {
    const notice = formatFailureNotice({ ...base, stage: 'x'.repeat(120), consecutiveFailedNights: 12 });
    expect(notice.subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX_LENGTH);
  });

  test('an unreadable history still yields a notice', () => {
    const notice = formatFailureNotice({ ...base, consecutiveFailedNights: undefined });
    expect(notice.message).toContain('Consecutive failed nights: unknown');
  });
});
