/** The Settings pages, as tabs: stage environments, webhooks. */
const TABS = [
  { href: "/settings/environments", label: "Environments" },
  { href: "/settings/webhooks", label: "Webhooks" },
];

export function SettingsTabs({ current }: { current: string }) {
  return (
    <nav class="tabs settings-tabs" aria-label="Settings">
      {TABS.map((tab) => (
        <a href={tab.href} aria-current={tab.href === current ? "page" : undefined}>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}
