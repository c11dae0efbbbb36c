// The explicit list of service types: a new type is its folder plus one line here.
import type { ServiceType } from './service.ts';
import { inquiry } from './inquiry/service.ts';
import { subscription } from './subscription/service.ts';
import { poll } from './poll/service.ts';
import { survey } from './survey/service.ts';
import { quiz } from './quiz/service.ts';
import { teamchat } from './teamchat/service.ts';
import { points } from './points/service.ts';
import { referral } from './referral/service.ts';
import { lottery } from './lottery/service.ts';
import { codes } from './codes/service.ts';

/** Every service type, by name. */
export const serviceTypes: ReadonlyMap<string, ServiceType> = new Map<string, ServiceType>([
  [inquiry.type, inquiry],
  [subscription.type, subscription],
  [poll.type, poll],
  [survey.type, survey],
  [quiz.type, quiz],
  [teamchat.type, teamchat],
  [points.type, points],
  [referral.type, referral],
  [lottery.type, lottery],
  [codes.type, codes],
]);

/** The type of a name, or undefined. */
export function serviceType(name: string): ServiceType | undefined {
  return serviceTypes.get(name);
}
