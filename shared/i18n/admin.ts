/** Messages of the admin pages: zh-CN first, en with the same keys. */
export const adminZhCN = {
} as const;

export const adminEn: { [K in keyof typeof adminZhCN]: string } = {
};
