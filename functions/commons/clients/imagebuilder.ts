import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { clientConfig } from './config';

export const imagebuilder = new ImagebuilderClient(clientConfig);
