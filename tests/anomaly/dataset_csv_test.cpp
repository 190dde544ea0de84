// The benchmark CSV reader: float32 values, the held-out label, clear errors.
#include "anomaly/dataset_csv.h"

#include <gtest/gtest.h>

namespace vigil::anomaly {
namespace {

TEST(DatasetCsv, HoldsOutTheLabelAndParsesFloat32) {
  auto d = parse_dataset_csv("f0,f1,label\n0.1,-3,0\n1e-3,2.5,1\n", "tiny");
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->name, "tiny");
  EXPECT_EQ(d->features, (std::vector<std::string>{"f0", "f1"}));
  ASSERT_EQ(d->matrix.rows, 2u);
  ASSERT_EQ(d->matrix.cols, 2u);
  EXPECT_EQ(d->matrix.values, (std::vector<float>{0.1f, -3.0f, 1e-3f, 2.5f}));
  EXPECT_EQ(d->labels, (std::vector<int8_t>{0, 1}));
}

TEST(DatasetCsv, WithoutLabelEveryColumnIsAFeature) {
  auto d = parse_dataset_csv("a,b\r\n1,2\r\n3,4\r\n", "x");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->matrix.cols, 2u);
  EXPECT_TRUE(d->labels.empty());
}

TEST(DatasetCsv, ErrorsNameTheLine) {
  auto short_row = parse_dataset_csv("f0,f1,label\n1,2,0\n1,2\n", "bad");
  ASSERT_FALSE(short_row.has_value());
  EXPECT_NE(short_row.error().message.find("bad:3"), std::string::npos)
      << short_row.error().message;
  EXPECT_FALSE(parse_dataset_csv("f0,label\nx,0\n", "bad").has_value());
  EXPECT_FALSE(parse_dataset_csv("f0,label\n1,2\n", "bad").has_value());  // label not 0/1
  EXPECT_FALSE(parse_dataset_csv("", "empty").has_value());
}

}  // namespace
}  // namespace vigil::anomaly
