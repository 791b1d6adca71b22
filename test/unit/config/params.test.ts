import { validateParams } from '../../../config/params-schema';
import { loadServerlessConfig } from '../../../local/serverless-config';

const defaults = (): Record<string, unknown> => loadServerlessConfig('test').params;

describe('serverless.yml params', () => {
  it('accepts the defaults', () => {
    expect(() => validateParams(defaults())).not.toThrow();
  });

  it.each([
    ['repositories', [], 'param "repositories": needs at least one repository'],
    ['repositories', ['not-a-repo'], 'param "repositories[0]": must be "org/repo"'],
    ['buildSchedule', 'cron(0 3 * *)', 'param "buildSchedule": must be an EventBridge expression'],
    [
      'buildSchedule',
      'cron(0 3 * * * *)',
      'param "buildSchedule": exactly one of day-of-month and day-of-week must be "?"',
    ],
    ['buildSchedule', 'cron(0 27 * * ? *)', 'param "buildSchedule": hours must be 0-23'],
    ['buildInstanceType', 't3.huge', 'param "buildInstanceType": unknown EC2 instance type'],
    ['devInstanceTypes', ['t3.large', 'z9.mega'], 'param "devInstanceTypes[1]": unknown EC2 instance type'],
    ['notificationEmail', 'team-at-example', 'param "notificationEmail"'],
    ['amiParameterName', '/aws/service/x', 'param "amiParameterName": must not start with /aws or /ssm'],
    ['jwtIssuer', 'http://insecure.example.com', 'param "jwtIssuer": must be an https URL'],
    ['environmentQuota', 0, 'param "environmentQuota"'],
  ])('rejects %s = %j, naming the param', (name, value, message) => {
    expect(() => validateParams({ ...defaults(), [name]: value })).toThrow(message);
  });

  it('names a missing param', () => {
    const { retainDays: _dropped, ...params } = defaults();
    expect(() => validateParams(params)).toThrow('param "retainDays"');
  });

  it('names an unknown param, which is usually a typo', () => {
    expect(() => validateParams({ ...defaults(), retainDayz: 3 })).toThrow('retainDayz');
  });
});
