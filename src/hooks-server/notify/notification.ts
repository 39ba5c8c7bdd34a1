/** What a notification says: one UpdateRequest event, with what every channel formats from it. */
import type { TargetRef } from "../../core/updaterequests/update-request.ts";

export const notificationEvents = [
  "update_detected",
  "update_request_created",
  "update_approved",
  "update_rejected",
  "update_completed",
  "update_failed",
  "rollback_triggered",
  "rollback_completed",
  "rollback_failed",
] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

export interface Notification {
  readonly event: NotificationEvent;
  readonly target: TargetRef;
  readonly container: string;
  readonly currentImage: string;
  readonly newImage: string;
  readonly policy: string;
  readonly updateRequestName: string;
  readonly requiresApproval: boolean;
  readonly approvedBy?: string;
  readonly rejectionReason?: string;
  readonly errorMessage?: string;
}
