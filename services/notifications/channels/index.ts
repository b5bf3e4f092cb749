/** Where notices go. Each channel is a small adapter behind one interface; SMS or KakaoTalk would be another file here. */
import type { Logger } from "moleculer";
import type { AppConfig } from "../../../platform/config";
import { logChannel } from "./log";
import { webhookChannel } from "./webhook";

export interface Notice {
  kind: "near_turn" | "called";
  ticketId: string;
  hospitalId: number;
  number: number;
  position?: number;
  etaMinutes?: number;
  accountId: number;
  phone: string;
}

export interface Channel {
  name: string;
  /** Resolves once the notice is handed over; rejects when it could not be. */
  send(notice: Notice): Promise<void>;
}

export function resolveChannels(config: AppConfig, logger: Logger): Channel[] {
  const channels = [logChannel(logger)];
  if (config.notifyWebhookUrl) channels.push(webhookChannel(config.notifyWebhookUrl));
  return channels;
}
