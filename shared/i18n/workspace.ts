/** Messages of the workspace pages: zh-CN first, en with the same keys. */
export const workspaceZhCN = {
} as const;

export const workspaceEn: { [K in keyof typeof workspaceZhCN]: string } = {
};
