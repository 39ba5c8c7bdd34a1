/**
 * Message bodies per channel. The generic webhook keeps the original Headwind payload shape
 * (camelCase, `deployment` object) so existing receivers keep working; Slack gets Block Kit; Teams
 * gets an Adaptive Card, since Office 365 connector MessageCards are being retired.
 */
import type { Notification, NotificationEvent } from "./notification.ts";

const titles: Record<NotificationEvent, [string, string]> = {
  update_detected: ["🔔", "New version detected"],
  update_request_created: ["📦", "Update request created"],
  update_approved: ["✅", "Update approved"],
  update_rejected: ["❌", "Update rejected"],
  update_completed: ["🎉", "Update completed"],
  update_failed: ["⚠️", "Update failed"],
  rollback_triggered: ["🔄", "Rollback triggered"],
  rollback_completed: ["✅", "Rollback completed"],
  rollback_failed: ["💥", "Rollback failed"],
};

export function titleOf(n: Notification): string {
  const [emoji, text] = titles[n.event];
  return `${emoji} ${text}: ${n.target.kind} ${n.target.namespace}/${n.target.name}`;
}

/** approvedBy must be the approver's own user name (manifests/admission/approvals.yaml): kubectl says it. */
export function approveCommand(n: Notification): string {
  const me = "$(kubectl auth whoami -o jsonpath='{.status.userInfo.username}')";
  const patch = `{"status":{"phase":"Approved","approvedBy":"${me}"}}`.replaceAll('"', '\\"');
  return `kubectl -n ${n.target.namespace} patch updaterequest ${n.updateRequestName} --subresource=status --type=merge -p "${patch}"`;
}

function facts(n: Notification): [string, string][] {
  return [
    ["Namespace", n.target.namespace],
    [n.target.kind, n.target.name],
    ["Container", n.container],
    ["Current image", n.currentImage],
    ["New image", n.newImage],
    ["Policy", n.policy],
    ...(n.approvedBy ? ([["Approved by", n.approvedBy]] as [string, string][]) : []),
    ...(n.rejectionReason ? ([["Rejection reason", n.rejectionReason]] as [string, string][]) : []),
    ...(n.errorMessage ? ([["Error", n.errorMessage]] as [string, string][]) : []),
  ];
}

const needsApproval = (n: Notification) => n.event === "update_request_created" && n.requiresApproval;

export function webhookPayload(n: Notification, now: number): Record<string, unknown> {
  return {
    event: n.event,
    timestamp: new Date(now).toISOString(),
    deployment: {
      name: n.target.name,
      namespace: n.target.namespace,
      currentImage: n.currentImage,
      newImage: n.newImage,
      container: n.container,
      resourceKind: n.target.kind,
    },
    policy: n.policy,
    requiresApproval: n.requiresApproval,
    updateRequestName: n.updateRequestName,
    ...(n.approvedBy ? { approvedBy: n.approvedBy } : {}),
    ...(n.rejectionReason ? { rejectionReason: n.rejectionReason } : {}),
    ...(n.errorMessage ? { errorMessage: n.errorMessage } : {}),
  };
}

export function slackPayload(n: Notification, username: string, iconEmoji: string): Record<string, unknown> {
  const fields = facts(n).map(([k, v]) => ({ type: "mrkdwn", text: `*${k}:*\n${v}` }));
  return {
    username,
    icon_emoji: iconEmoji,
    text: titleOf(n),
    blocks: [
      { type: "header", text: { type: "plain_text", text: titleOf(n).slice(0, 150), emoji: true } },
      { type: "section", fields: fields.slice(0, 10) },
      ...(needsApproval(n)
        ? [
            {
              type: "section",
              text: { type: "mrkdwn", text: `Approve with:\n\`\`\`${approveCommand(n)}\`\`\`` },
            },
          ]
        : []),
    ],
  };
}

export function teamsPayload(n: Notification): Record<string, unknown> {
  const body = [
    { type: "TextBlock", size: "Medium", weight: "Bolder", text: titleOf(n), wrap: true },
    { type: "FactSet", facts: facts(n).map(([title, value]) => ({ title, value })) },
    ...(needsApproval(n)
      ? [{ type: "TextBlock", text: `Approve with: ${approveCommand(n)}`, wrap: true, fontType: "Monospace" }]
      : []),
  ];
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body,
        },
      },
    ],
  };
}
