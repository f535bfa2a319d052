// The words the pages use for the API's codes (DOMAIN.md's words, in Chinese).

export const userTypes = {
  owner: '车主/驾驶人',
  window: '窗口注册用户',
  newCarOwner: '新车车主',
  learner: '学员',
  unit: '单位',
};

/** User types that may select at another province's or city's office (the seed's 跳转到其他省市). */
export const mayGoElsewhere = (userType) => userType === 'owner' || userType === 'window';

export const plateKinds = { small: '小型汽车', large: '大型汽车', motorcycle: '摩托车', trailer: '挂车' };

export const energies = { pure: '纯电动', nonPure: '非纯电动（插电式混合动力/燃料电池）', fuel: '燃油' };

export const energyLetters = { D: '纯电动', A: '纯电动', B: '纯电动', C: '纯电动', E: '纯电动', F: '非纯电动', G: '非纯电动', H: '非纯电动', J: '非纯电动', K: '非纯电动' };

export const reasons = {
  not_nev: '该车辆不是新能源汽车，不能预选新能源号牌。',
  plate_kind_not_allowed: '只有号牌种类为小型汽车或大型汽车的新能源汽车可以预选号牌。',
};

export const stages = {
  confirmInfo: '确认信息',
  serviceInfo: '选号服务说明',
  verifyIdentity: '身份验证',
  drawing: '预选号牌',
  completed: '已完成预选',
  exchanged: '已换牌',
  lapsed: '逾期作废',
};

export const officeStates = { open: '开放中', closed: '今日已结束或未到开放时间', notYetOpen: '尚未开放', maintenance: '系统维护中' };

export const auditKinds = {
  draw: '随机选号', backup: '加入备选', confirmation: '确认选号', autoConfirmation: '系统自动确认',
  release: '释放', exchange: '换牌', lapse: '逾期作废',
};

export const label = (table, key) => table[key] ?? key ?? '—';
