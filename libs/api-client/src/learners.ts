import type { Learner, LearnerSettings } from '@acme/models';
import { request } from './http';

export function fetchCurrentLearner(signal?: AbortSignal): Promise<Learner> {
  return request('/me', { signal });
}

export function fetchSettings(signal?: AbortSignal): Promise<LearnerSettings> {
  return request('/me/settings', { signal });
}

export function updateSettings(patch: Partial<LearnerSettings>): Promise<LearnerSettings> {
  return request('/me/settings', { method: 'PATCH', body: patch });
}
