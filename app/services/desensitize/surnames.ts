// Chinese surnames for the personal-name detector: the common single-character surnames
// (together well over 90% of the population) and the common compound ones. Rare surnames that
// are also everyday words (和, 时, 位, 国, 海 …) are left out: in a cell without a header cue they
// would make ordinary words look like names.
export const SINGLE_SURNAMES = new Set(
  Array.from(
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟应臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈匡鞠惠荆冀郁胥栗燕楚鄢劳谌奚粟冼蔺厉伊仝郜阚权帅屠豆朴盖廉祖狄索宣晋邸雍辜裘亓邰赫杭慕嵇湛茅檀昝衡尧',
  ),
)

export const COMPOUND_SURNAMES = [
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '轩辕',
  '令狐',
  '端木',
  '独孤',
  '南宫',
  '西门',
  '百里',
  '呼延',
  '万俟',
  '司空',
  '澹台',
  '公冶',
  '申屠',
]

/** Whether a string starts with a known surname, and how long that surname is (0 if not). */
export function surnameLength(s: string): number {
  if (s.length >= 3 && COMPOUND_SURNAMES.includes(s.slice(0, 2))) return 2
  return SINGLE_SURNAMES.has(s[0]!) ? 1 : 0
}
