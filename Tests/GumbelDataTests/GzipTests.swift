import CZlib
import Foundation
import GumbelData
import Testing

/// Bytes from a hex string.
func hex(_ s: String) -> [UInt8] {
  var out = [UInt8]()
  var i = s.startIndex
  while i < s.endIndex {
    let j = s.index(i, offsetBy: 2)
    out.append(UInt8(s[i..<j], radix: 16)!)
    i = j
  }
  return out
}

/// zlib's CRC-32 of `bytes` (gzip's checksum).
func crc32Checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
  UInt32(crc32(0, bytes.baseAddress, UInt32(bytes.count)))
}

/// A gzip file holding `data` in stored (uncompressed) DEFLATE blocks, for writing test files.
func gzipStored(_ data: [UInt8]) -> [UInt8] {
  var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
  var chunks = stride(from: 0, to: data.count, by: 65535).map { Array(data[$0..<min($0 + 65535, data.count)]) }
  if chunks.isEmpty { chunks = [[]] }
  for (i, chunk) in chunks.enumerated() {
    out.append(i == chunks.count - 1 ? 1 : 0)
    let n = UInt16(chunk.count)
    out += [UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8(~n >> 8)]
    out += chunk
  }
  let crc = data.withUnsafeBufferPointer(crc32Checksum), size = UInt32(data.count)
  for v in [crc, size] { out += [UInt8(v & 0xff), UInt8((v >> 8) & 0xff), UInt8((v >> 16) & 0xff), UInt8(v >> 24)] }
  return out
}

/// The DEFLATE decoder and the gzip container.
@Suite struct GzipTests {
  // Vectors made by Python's gzip and zlib modules (mtime 0).
  @Test func fixedHuffmanBlock() throws {
    let bytes = hex("1f8b0800000000000203cb48cdc9c957c840277514d24b7393527314b9005d80766821000000")
    #expect(String(decoding: try Gzip.decompress(bytes), as: UTF8.self) == "hello hello hello hello, gumbel!\n")
  }

  @Test func storedBlock() throws {
    #expect(try Gzip.decompress(hex("1f8b0800000000000403010300fcff616263c241243503000000")) == Array("abc".utf8))
  }

  @Test func dynamicHuffmanBlock() throws {
    // gzip.compress(text, 9) of lines "i,(7 i^2) mod 256,(13 i) mod 10" for i in 0..<300.
    let bytes = hex("1f8b080000000000020345564962033108bbf3161f8cbce1ff7fac1213dc5bda4c8410124c6fbd75f376da303444db36da1eedda6ceefc8fade667b565bb61a1859d16a7b945f38b36edb6b5da31efcd230445ac4b30fd7676c2f968be2e017db62b405f6df057e69bb5c3fc340c27a247033a21fdf2c32028ff124637f0fb2586685b98fcd65d98984903864514826237e73fc320d84b58f6a446a681b0c97590eb627163d9e3841d68421d44bd421d331f800d364fa065632748d860ef2eb623b2d034155904323215976ed3495b82ce1fdd49e0999ace6c083657bb1275eeec398ccf7be763362922512751f721eaea2d41596288eb2a5dd768e887a06ba6f49c14d98644207731095b1481c2b9adc8e94de324a660c94b0d75db6ce60a78ffc6cfe13bfbbeb66713d5bdf26f1a60eb8130d2d22fdc7629bb7fa0a767956e541539b08364b2ed8ce476ed145b9a4afc979d9d1dd159a7a5114eb4b4d6290da2a74bc353a36181546d9b1045354ad758a9f4b2d8923e8c5ed52ce8d7326cd4bc6ecf097653332e09f8bd1ada7647cefdda2d27b08cbcb1ec7eaebd47d671bb910f3007e52eef25ad774f0f320c1d598b696003900edecbbade57ba9989e83fd64e61726ede233b63287aa5c29935b5afac79668705fcb3b0336d23c3f6d2269c95e85e423b332771f921721a84f70a32cac6ced4c5c92823e74a7805ef487175f3ed0767f4b62477fc0c22e924b9e3f3b233791aa33378c81d41ce5b83f4518afb78c84c9faa1199b60b39c44719da99bf95c28cc79cfdb219c2cf5a173e3d7b66014630fd27577cc2cccfd63e576a47f41742a753a431e1e7d35d494c6198c49de8cb735e445f656f5f3556a591da68cdad9c3e0bacda1eae407efc571947448ffce8fbb3b96724139f99d443c4dfe548df4f7825d3b3835d5b4f79497efc548677c613994f3fd582bc3b7302e7ede9f30b9333a2d2831538101996154e2deb9399247ea5d4b5ee937f3cfd9954659bf08caac644f8a80de0f19ccfb86a4f103feabc38279e81d5cfbef5e28aeccd12b71ca4cc0e6d98f4aaf06fed2d6768a10de319da14e8be09dc82bfb512a53572c4e8e57d30ba62cb93d3ab03f4dab8e8b56fc0eca689c0e8a643f5c4a710fa677f30b95291f82fb9e0dc6e5eb47727e17525c0ecee44272b4d8ef05e0980d784e175824037ca09ac805a3ed0cd449e75948bd2db79e1802f0560784ff2d7e1e4432c80f228fe4fa76ea772c6cb5b5b53e1412a342a0518ef2e8f6a41275413c6a8ed835129c3a8932f70a48bd2418267867377a2228c596f127877144cf151c6c0106b4c849fbf1581590900331c0a00565d2848c2931358b583b07eaf3e583f07e54617fafaec8ff56d36e89e6af9807c768ef61d54ec87bc6b6f82cf443a67bf1716a677a530fb31dfbfb58c5ddb07fb66cf2c707e2f023825ccf99c8f33523ba2bfe442d7f57b217ae715e77754c0e8ee4457354ff478ce8f1a6bd4cd428c9c3e0b442d1f28ba1fff78ce89df5144fc9c9fc14dfc5bef5cb8cf97efdc42d9f5ece0d6fa84c2bbd29af779ffd635c7ad1608afd41cfb0306509db7ca0a0000")
    let expected = (0..<300).map { i in "\(i),\((i * i * 7) % 256),\((i * 13) % 10)\n" }.joined()
    #expect(String(decoding: try Gzip.decompress(bytes), as: UTF8.self) == expected)
  }

  @Test func concatenatedMembers() throws {
    let bytes = hex("1f8b08000000000002034bcb2c2a2e510000fc7af11c060000001f8b08000000000002032b4e4dcecf4b010069111fb606000000")
    #expect(String(decoding: try Gzip.decompress(bytes), as: UTF8.self) == "first second")
  }

  @Test func storedWriterRoundTrips() throws {
    let data = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    #expect(try Gzip.decompress(gzipStored(data)) == data)
  }

  @Test func damagedDataIsAnErrorNamingTheFile() {
    var bytes = hex("1f8b0800000000000203cb48cdc9c957c840277514d24b7393527314b9005d80766821000000")
    bytes[bytes.count - 8] ^= 1  // the CRC
    #expect(throws: DataError.corruptGzip(path: "x.gz", reason: "CRC-32 mismatch (the data is damaged)")) {
      try Gzip.decompress(bytes, path: "x.gz")
    }
    #expect(throws: DataError.self) { try Gzip.decompress(Array(hex("1f8b0800000000000203cb48cdc9c957")), path: "t.gz") }
    let error = #expect(throws: DataError.self) {
      try Gzip.decompress([0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], path: "m.gz")
    }
    #expect(error?.description.contains("m.gz") == true)
  }
}
