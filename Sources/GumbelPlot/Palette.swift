/// The colour-blind-safe categorical palette of Okabe and Ito (2008), recommended by Wong,
/// "Points of view: Color blindness", Nature Methods 8, 441 (2011).
///
/// The eight colours stay distinguishable under the common forms of colour-vision deficiency.
/// Figures use ``series`` in order for data series, and ``ink`` for reference marks.
public enum Palette {
  /// Black, for reference marks such as the categorical probabilities.
  public static let black = Color(hex: 0x000000)
  /// Orange.
  public static let orange = Color(hex: 0xE69F00)
  /// Sky blue.
  public static let skyBlue = Color(hex: 0x56B4E9)
  /// Bluish green.
  public static let bluishGreen = Color(hex: 0x009E73)
  /// Yellow (too light for thin marks on white; last in ``series``).
  public static let yellow = Color(hex: 0xF0E442)
  /// Blue.
  public static let blue = Color(hex: 0x0072B2)
  /// Vermillion.
  public static let vermillion = Color(hex: 0xD55E00)
  /// Reddish purple.
  public static let reddishPurple = Color(hex: 0xCC79A7)

  /// The colours for data series, in order of use.
  public static let series: [Color] = [blue, orange, bluishGreen, vermillion, skyBlue, reddishPurple, yellow]

  /// Text and axis lines.
  public static let ink = Color(hex: 0x222222)
  /// Secondary text such as subtitles.
  public static let mutedInk = Color(hex: 0x555555)
  /// Panel frames and tick marks.
  public static let frame = Color(hex: 0x777777)
  /// Light grid lines behind the data.
  public static let grid = Color(hex: 0xE4E4E4)
  /// The categorical distribution's marks (a neutral grey, distinct from every series colour).
  public static let categorical = Color(hex: 0x666666)

  /// The series colour number `index`, cycling.
  public static func series(_ index: Int) -> Color {
    series[((index % series.count) + series.count) % series.count]
  }
}
