import { SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from './config';

export const ssm = new SSMClient(clientConfig);
