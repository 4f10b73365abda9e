// What the command pattern does for every method of every service.
#include <future>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/testing/service_fixture.h"

namespace mops {
namespace {

using ::testing::HasSubstr;

// Every service mopsd serves from the mops.v1 protos.
std::vector<const google::protobuf::ServiceDescriptor*> AllServices() {
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* name :
       {"mops.v1.IdentityService", "mops.v1.AdminService",
        "mops.v1.EventService", "mops.v1.ProjectService", "mops.v1.TaskService",
        "mops.v1.ApprovalService", "mops.v1.CalendarService",
        "mops.v1.WebhookService"}) {
    const auto* service = pool->FindServiceByName(name);
    EXPECT_NE(service, nullptr) << name;
    if (service != nullptr) out.push_back(service);
  }
  return out;
}

class BinderTest : public testing::ServiceTest {};

TEST_F(BinderTest, BytesThatAreNotTheRequestAreInvalidArgumentOnEveryMethod) {
  grpc::GenericStub generic(channel_);
  int methods = 0;
  for (const auto* service : AllServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string path =
          "/" + service->full_name() + "/" + service->method(i)->name();
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + admin_token_);
      // Field 1, length-delimited, with a length past the end.
      grpc::Slice slice(std::string("\x0a\x7f\x01", 3));
      grpc::ByteBuffer req(&slice, 1);
      grpc::ByteBuffer resp;
      std::promise<grpc::Status> done;
      generic.UnaryCall(&ctx, path, grpc::StubOptions(), &req, &resp,
                        [&](grpc::Status s) { done.set_value(s); });
      grpc::Status s = done.get_future().get();
      EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << path;
      EXPECT_THAT(s.error_message(),
                  HasSubstr(service->method(i)->input_type()->full_name()))
          << path;
      ++methods;
    }
  }
  EXPECT_GT(methods, 40);
}

TEST_F(BinderTest, EveryCreateAndCustomWriteTakesARequestId) {
  // Binder::Finish refuses such a binding; this keeps the protos honest
  // for the methods that are not standard reads.
  for (const auto* service : AllServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* m = service->method(i);
      const std::string& name = m->name();
      const bool standard_or_read =
          name.rfind("Get", 0) == 0 || name.rfind("List", 0) == 0 ||
          name.rfind("Update", 0) == 0 || name.rfind("Delete", 0) == 0 ||
          name == "WhoAmI" || name == "Backup" || name.rfind("Watch", 0) == 0 ||
          // Replaying it would store the bearer secret in the request log.
          name == "CreateToken";
      if (standard_or_read) continue;
      EXPECT_NE(m->input_type()->FindFieldByName("request_id"), nullptr)
          << m->full_name();
    }
  }
}

}  // namespace
}  // namespace mops
