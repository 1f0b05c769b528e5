/** Priority names, index = stored value. */
export const priorityNames = ['low', 'normal', 'high', 'urgent'] as const;
export type PriorityName = (typeof priorityNames)[number];
