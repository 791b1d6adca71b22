import { SNSClient } from '@aws-sdk/client-sns';
import { clientConfig } from './config';

export const sns = new SNSClient(clientConfig);
