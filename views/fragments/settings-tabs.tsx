import type { Child } from "hono/jsx";
import { type FlashMessage, Layout } from "../layout.js";
import { useViewer } from "../viewer.js";

export type SettingsTab = "environments" | "webhooks" | "users" | "tokens" | "password";

/**
 * The Settings tabs (UI.md "Users and tokens"): admins (and everyone in open mode) see every
 * tab; others only their own tokens and password, the pages their role may open.
 */
export function SettingsTabs({ current }: { current: SettingsTab }) {
  const viewer = useViewer();
  const admin = !viewer || viewer.role === null || viewer.role === "admin";
  const secured = viewer?.mode === "secured";
  const tabs: Array<[SettingsTab, string, string]> = [
    ...(admin
      ? ([
          ["environments", "/settings/environments", "Environments"],
          ["webhooks", "/settings/webhooks", "Webhooks"],
          ["users", "/settings/users", "Users"],
        ] as Array<[SettingsTab, string, string]>)
      : []),
    ["tokens", "/settings/tokens", "API tokens"],
    ...(secured && viewer?.session
      ? ([["password", "/settings/password", "Password"]] as Array<[SettingsTab, string, string]>)
      : []),
  ];
  return (
    <nav class="tabs settings-tabs" aria-label="Settings">
      {tabs.map(([tab, href, label]) => (
        <a href={href} aria-current={tab === current ? "page" : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

/** Every settings page: the title, the tabs, then the tab's own content. */
export function SettingsFrame({
  current,
  title,
  flash,
  children,
}: {
  current: SettingsTab;
  title: string;
  flash?: FlashMessage | null | undefined;
  children?: Child;
}) {
  return (
    <Layout title={`${title} · Settings`} flash={flash}>
      <h1>Settings</h1>
      <SettingsTabs current={current} />
      <h2 class="settings-title">{title}</h2>
      {children}
    </Layout>
  );
}
